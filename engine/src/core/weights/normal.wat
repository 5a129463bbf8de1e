;; He-normal weights by the ziggurat method on mulberry32 (engine/src/core/weights/seeded.ts), the same
;; values bit for bit, in WebAssembly: ~2× faster than the JavaScript (measured: 3.2–3.9 against
;; 6.7–11 ns a value on this machine). seeded.ts is the definition; this is its transcription.
;; `npm run build:wasm` compiles it into normal-wasm.ts; normal-wasm.test.ts checks both agree.
;;
;; Memory: the ziggurat's tables as float64 — k (acceptance limits) at 0, w (layer scales) at 1024,
;; f (densities) at 2048 — written by the loader; `fill` writes its values from VALUES (4096) on.
(module
  (import "math" "log" (func $log (param f64) (result f64)))
  (import "math" "exp" (func $exp (param f64) (result f64)))
  (memory (export "memory") 4)
  ;; The stream's state while the slow path draws more integers.
  (global $a (mut i32) (i32.const 0))

  ;; mulberry32's next signed 32-bit integer (state in $a).
  (func $next (result i32) (local $t i32)
    (global.set $a (i32.add (global.get $a) (i32.const 0x6d2b79f5)))
    (local.set $t (global.get $a))
    (local.set $t (i32.mul (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 15))) (i32.or (local.get $t) (i32.const 1))))
    (local.set $t (i32.xor (local.get $t)
      (i32.add (local.get $t) (i32.mul (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 7))) (i32.or (local.get $t) (i32.const 61))))))
    (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 14))))

  ;; A uniform float in [0, 1).
  (func $uniform (result f64)
    (f64.div (f64.convert_i32_u (call $next)) (f64.const 4294967296)))

  ;; The rare path of one standard normal (about 1% of values), from its first integer $hz: the
  ;; wedges, the tail beyond r, and redraws — as heNormal's inner loop.
  (func $slow (param $hz i32) (result f64) (local $iz i32) (local $x f64) (local $xt f64) (local $y f64)
    (local.set $iz (i32.and (local.get $hz) (i32.const 127)))
    (loop $again
      (if (f64.lt (f64.abs (f64.convert_i32_s (local.get $hz))) (f64.load (i32.shl (local.get $iz) (i32.const 3))))
        (then (return (f64.mul (f64.convert_i32_s (local.get $hz)) (f64.load offset=1024 (i32.shl (local.get $iz) (i32.const 3)))))))
      (if (i32.eqz (local.get $iz))
        (then
          (loop $tail
            (local.set $xt (f64.div (f64.neg (call $log (f64.sub (f64.const 1) (call $uniform)))) (f64.const 3.442619855899)))
            (local.set $y (f64.neg (call $log (f64.sub (f64.const 1) (call $uniform)))))
            (br_if $tail (f64.lt (f64.add (local.get $y) (local.get $y)) (f64.mul (local.get $xt) (local.get $xt)))))
          (return (select
            (f64.add (f64.const 3.442619855899) (local.get $xt))
            (f64.sub (f64.const -3.442619855899) (local.get $xt))
            (i32.gt_s (local.get $hz) (i32.const 0))))))
      (local.set $x (f64.mul (f64.convert_i32_s (local.get $hz)) (f64.load offset=1024 (i32.shl (local.get $iz) (i32.const 3)))))
      (if (f64.lt
            (f64.add (f64.load offset=2048 (i32.shl (local.get $iz) (i32.const 3)))
                     (f64.mul (call $uniform) (f64.sub (f64.load offset=2040 (i32.shl (local.get $iz) (i32.const 3))) (f64.load offset=2048 (i32.shl (local.get $iz) (i32.const 3))))))
            (call $exp (f64.mul (f64.mul (f64.const -0.5) (local.get $x)) (local.get $x))))
        (then (return (local.get $x))))
      (local.set $hz (call $next))
      (local.set $iz (i32.and (local.get $hz) (i32.const 127)))
      (br $again))
    (unreachable))

  ;; $count values, each a standard normal times $std rounded to float32, from 4096 on; $state is the
  ;; stream's state before them, and the result its state after (so a tensor can come in chunks).
  (func (export "fill") (param $count i32) (param $state i32) (param $std f64) (result i32)
    (local $p i32) (local $end i32) (local $t i32) (local $hz i32) (local $iz8 i32) (local $a i32) (local $h f64)
    (local.set $a (local.get $state))
    (local.set $p (i32.const 4096))
    (local.set $end (i32.add (i32.const 4096) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (loop $each
        ;; $next, inlined, on a local state.
        (local.set $a (i32.add (local.get $a) (i32.const 0x6d2b79f5)))
        (local.set $t (local.get $a))
        (local.set $t (i32.mul (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 15))) (i32.or (local.get $t) (i32.const 1))))
        (local.set $t (i32.xor (local.get $t)
          (i32.add (local.get $t) (i32.mul (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 7))) (i32.or (local.get $t) (i32.const 61))))))
        (local.set $hz (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 14))))
        (local.set $iz8 (i32.shl (i32.and (local.get $hz) (i32.const 127)) (i32.const 3)))
        (local.set $h (f64.convert_i32_s (local.get $hz)))
        (if (f64.lt (f64.abs (local.get $h)) (f64.load (local.get $iz8)))
          (then (f32.store (local.get $p) (f32.demote_f64 (f64.mul (f64.mul (local.get $h) (f64.load offset=1024 (local.get $iz8))) (local.get $std)))))
          (else
            (global.set $a (local.get $a))
            (f32.store (local.get $p) (f32.demote_f64 (f64.mul (call $slow (local.get $hz)) (local.get $std))))
            (local.set $a (global.get $a))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $each (i32.lt_u (local.get $p) (local.get $end)))))
    (local.get $a))
)
