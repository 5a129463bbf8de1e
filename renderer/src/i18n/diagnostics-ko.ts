/**
 * 엔진 진단의 한국어 문장: 진단 코드(diagnostics.ts) 하나에 하나, 코드 하나가 여러 문장을 가지면
 * `코드_variant`(Diagnostic.params.variant)로 나눕니다. 값은 진단의 params에서, 그리고 렌더러가
 * 채우는 name(노드 이름), op(연산 이름), loop, outputName, why에서 옵니다. 템플릿이 없는 진단은
 * 엔진의 영어 메시지를 그대로 보여 줍니다.
 */
export const KO_DIAGNOSTICS = {
  /** 모듈 안쪽 연산의 진단 앞에 붙는 말. */
  inside: '{{module}} 안 ({{role}}): ',

  'no-input-node': '모델에 입력 노드가 없습니다 — 입력을 하나 추가하세요(신경망이 읽을 이미지 크기를 정합니다).',
  'no-input-node_empty': '모델이 비어 있습니다 — 먼저 입력 노드를 놓고(신경망이 읽을 이미지 크기를 정합니다) 그 뒤에 층을 추가하세요.',
  'duplicate-node-id': '“{{id}}”라는 노드가 둘입니다 — 노드 id는 서로 달라야 하니 하나의 이름을 바꾸세요.',
  'unknown-node-type': '알 수 없는 노드 종류 “{{type}}”입니다 — 알려진 종류: {{known}}.',
  'invalid-param_issue': '{{op}}: 매개변수 “{{param}}” — {{why}}.',
  'invalid-param_clip-order': '클립: 최솟값({{min}})이 최댓값({{max}})보다 큽니다 — 이대로면 모든 값이 최댓값이 되니 최솟값을 더 작게 하세요.',
  'invalid-param_clip-open': '클립에 최솟값도 최댓값도 없어 모든 값을 그대로 통과시킵니다 — 경계를 정하세요(또는 항등 함수를 쓰세요).',
  'invalid-param_pool-padding': '{{op}}: 패딩({{pads}})이 {{window}} 창의 절반보다 큽니다 — 창이 패딩만 보게 되니 {{most}} 이하로 하세요.',
  'invalid-param_slice-empty': '채널 슬라이스: 시작({{start}})이 끝({{end}})보다 작지 않아 남는 채널이 없습니다 — 끝을 시작보다 크게 하세요.',
  'invalid-param_slice-past': '채널 슬라이스: 범위({{start}}:{{end}})가 입력의 채널 수({{channels}})를 넘어갑니다 — 끝을 {{channels}} 이하로 하세요.',
  'invalid-param_basic-widened':
    '잔차 유닛: 그룹 수({{groups}})와 그룹당 너비({{width}})는 병목 유닛(ResNeXt, Wide ResNet)에 쓰는 설정입니다 — 블록을 “병목”으로 하거나, 기본 유닛이면 그룹 1, 그룹당 너비 64로 하세요.',
  'dangling-edge_source': '연결선 {{edge}}: 시작점 “{{node}}” 노드가 이 모델에 없습니다 — 연결선을 지우세요.',
  'dangling-edge_target': '연결선 {{edge}}: 끝점 “{{node}}” 노드가 이 모델에 없습니다 — 연결선을 지우세요.',
  'port-conflict': '{{name}}: 입력 포트 {{port}}에 연결선이 둘 들어옵니다 — 연결선마다 다른 포트를 쓰세요.',
  cycle: '{{name}}: 순환의 일부입니다({{loop}}) — 데이터는 한 방향으로만 흘러야 하니 되돌아가는 연결선 하나를 지우세요.',
  'missing-input': '{{name}}: 입력이 최소 {{need}}개 필요한데 지금은 {{have}}개입니다 — 노드를 더 연결하세요.',
  'extra-input': '{{name}}: 입력을 최대 {{max}}개 받는데 {{have}}개가 연결되어 있습니다 — 분기를 합치려면 먼저 연결이나 덧셈 노드로 보내세요.',
  'input-has-incoming': '{{name}}: 입력 노드로 들어오는 연결선은 있을 수 없습니다 — 입력 노드는 데이터가 들어오는 곳입니다.',
  'rank-mismatch_feature-map': '{{op}}: C×H×W 특성 맵이 필요한데 입력이 값 {{shape}}개짜리 평탄한 벡터입니다 — 이미지에 작동하는 층이니 평탄화나 완전 연결층보다 앞으로 옮기세요.',
  'rank-mismatch_concat': '연결: 입력 {{index}}의 모양({{shape}})과 입력 1의 모양({{first}})이 맞지 않습니다 — 입력이 모두 C×H×W 맵이거나 모두 벡터여야 합니다.',
  'rank-mismatch_softmax': '소프트맥스는 벡터나 C×H×W 맵을 받습니다. 지금 입력의 모양은 {{shape}}입니다.',
  'rank-mismatch_scale-map':
    '채널 스케일: 입력 1(맵)이 값 {{shape}}개짜리 평탄한 벡터입니다 — C×H×W 특성 맵이어야 합니다. 첫 번째 포트에 맵을, 두 번째 포트에 C×1×1 게이트를 연결하세요.',
  'dense-needs-flatten': '완전 연결층에는 평탄한 벡터가 필요한데 입력의 모양이 {{shape}}입니다 — 앞에 평탄화(또는 전역 풀링)를 넣으세요.',
  'kernel-too-large': '{{op}}: {{effective}} 필터가 {{input}} 입력보다 큽니다 — 더 작은 필터를 쓰거나, 제로 패딩(또는 “same”)을 더하거나, 앞쪽의 다운샘플링 층을 없애세요.',
  'kernel-too-large_padded':
    '{{op}}: {{effective}} 필터가 {{input}} 입력(패딩 후 {{padded}})보다 큽니다 — 더 작은 필터를 쓰거나, 제로 패딩(또는 “same”)을 더하거나, 앞쪽의 다운샘플링 층을 없애세요.',
  'non-positive-output': '{{op}}: 출력 모양({{shape}})에 양의 정수가 아닌 크기가 있습니다 — 입력이 이 층에 비해 너무 작습니다.',
  'non-positive-output_window': '{{op}}: 출력 크기({{shape}})가 0 이하가 됩니다 — 입력({{input}})이 이 필터와 스트라이드에 비해 너무 작습니다.',
  'bad-stride': '{{op}}: 스트라이드({{stride}})가 필터({{kernel}})보다 커서 한 번도 보지 않는 입력 픽셀이 생깁니다 — 스트라이드를 필터 크기 이하로 하세요.',
  'bad-dilation': '합성곱 2D: 스트라이드와 팽창을 둘 다 1보다 크게 할 수 없습니다(TensorFlow와 ONNX의 “same” 방식과 같습니다) — 둘 중 하나를 1로 하세요.',
  'group-mismatch_channels': '합성곱 2D: 입력 채널 {{channels}}개를 그룹 {{groups}}개로 나눌 수 없습니다 — 그룹 수는 입력 채널 수의 약수여야 합니다.',
  'group-mismatch_filters': '합성곱 2D: 필터 {{filters}}개를 그룹 {{groups}}개로 나눌 수 없습니다 — 그룹 수는 필터 수의 약수여야 합니다.',
  'group-mismatch_shuffle': '채널 셔플: 채널 {{channels}}개를 그룹 {{groups}}개로 나눌 수 없습니다 — 그룹 수는 채널 수의 약수여야 합니다(앞 합성곱의 그룹 수를 쓰세요).',
  'add-shape-mismatch': '덧셈: 입력의 모양이 다릅니다({{a}}, {{b}}) — 지름길에 1×1 투영(스트라이드를 맞춘 1×1 합성곱)을 추가하세요.',
  'concat-hw-mismatch':
    '연결: 입력 {{index}}의 높이×너비({{hw}})가 입력 1의 높이×너비({{firstHw}})와 다릅니다 — 연결하는 맵은 높이와 너비가 같아야 하니 한 분기의 스트라이드나 패딩을 조정하세요.',
  'multiply-shape-mismatch': '곱셈: 두 입력의 모양이 다릅니다({{a}}, {{b}}) — 모양이 같아야 하니 필터 수와 스트라이드를 맞추세요.',
  'multiply-shape-mismatch_gate': '곱셈: 두 입력의 모양이 다릅니다({{a}}, {{b}}) — 입력 2는 채널마다 값이 하나이니, 맵의 각 채널에 곱하려면 채널 스케일 노드를 쓰세요.',
  'gate-mismatch': '채널 스케일: 게이트의 채널은 {{gate}}개인데 맵의 채널은 {{channels}}개입니다 — 게이트 분기의 마지막 층 필터 수를 {{channels}}개로 하세요.',
  'gate-mismatch_shape': '채널 스케일: 게이트(입력 2)의 모양이 C×1×1이 아니라 {{shape}}입니다 — 전역 풀링 뒤에 1×1 합성곱(또는 완전 연결층)을 두어 만드세요. 같은 모양의 두 맵을 곱하려면 곱셈을 쓰세요.',
  'too-large_channels': '{{op}}: 출력 모양({{shape}})이 지나치게 큽니다(채널 {{limit}}개 초과) — 채널 수나 이미지 크기를 줄이세요.',
  'too-large_bytes': '{{op}}: 출력 모양({{shape}})이 지나치게 큽니다(활성값 16 GiB 초과) — 채널 수나 이미지 크기를 줄이세요.',
  'too-large_dense': '완전 연결층: 입력 {{inputs}}개 × 유닛 {{units}}개로 가중치가 40억 개를 넘습니다 — 먼저 입력을 줄이세요(풀링, 전역 풀링).',
  unconnected: '{{name}}: 연결되어 있지 않습니다 — 연결하거나 삭제하세요.',
  'unconnected_input': '{{name}}: 아무 데도 연결되어 있지 않습니다.',
  'dead-end': '{{name}}: 출력을 읽는 층이 없어 어디로도 이어지지 않습니다(신경망은 {{outputName}}에서 끝납니다) — 다음 층에 연결하거나 삭제하세요.',
  'bad-weights_count': '{{name}}: 가중치 “{{key}}”의 값이 {{values}}개인데 {{shape}} = {{need}}개가 필요합니다.',
  'bad-weights_unknown': '{{name}}: 이 노드에는 “{{key}}”라는 가중치가 없어 무시합니다(있는 가중치: {{known}}).',
  'bad-weights-file_unnamed': '일부 가중치가 가중치 파일의 범위로 적혀 있는데 모델에 파일 이름(“weightsFile”)이 없어 읽을 수 없습니다.',

  /** zod가 매개변수를 거절한 이유 (invalid-param_issue의 why). */
  issue: {
    too_small: '{{minimum}} 이상이어야 합니다',
    too_small_exclusive: '{{minimum}}보다 커야 합니다',
    too_big: '{{maximum}} 이하여야 합니다',
    too_big_exclusive: '{{maximum}}보다 작아야 합니다',
    invalid_type: '{{expected}} 값이어야 합니다',
    invalid_value: '다음 중 하나여야 합니다: {{values}}',
  },
  /** zod의 expected 이름. */
  expected: { int: '정수', number: '숫자', boolean: '참/거짓', string: '문자열', array: '배열', object: '객체', tuple: '목록' },

  /** 빠른 수정 단추. */
  fix: {
    'insert-flatten': '이 완전 연결층 앞에 평탄화 넣기',
    'add-projection': '이 입력에 1×1 투영 추가',
    'delete-edge': '이 연결선 삭제',
    'delete-edge_input': '이 입력으로 들어오는 연결선 삭제',
    'delete-edge_cycle': '연결선 {{from}} → {{to}} 삭제',
  },
};
