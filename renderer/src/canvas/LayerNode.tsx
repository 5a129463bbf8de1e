import { memo, useEffect, type CSSProperties } from 'react';
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import type { LayerData, LayerNodeT, PrimNodeT } from './flow-model';
import { inputHandle, OUTPUT_HANDLE } from '../model/ports';
import { useNodeSlots } from './node-slots';
import { commands } from '../app/commands';
import { useT } from '../i18n';

function sides(dir: LayerData['dir']) {
  return dir === 'LR' ? { inPos: Position.Left, outPos: Position.Right } : { inPos: Position.Top, outPos: Position.Bottom };
}

function InputHandles({ data }: { data: LayerData }) {
  const { t } = useT();
  const { inPos } = sides(data.dir);
  const n = data.inputs;
  // Handles come and go (a free port on Concat/Add) and move with the layout direction: re-measure them.
  const updateNodeInternals = useUpdateNodeInternals();
  useEffect(() => updateNodeInternals(data.nodeId), [n, data.dir, data.open, data.nodeId, updateNodeInternals]);
  return (
    <>
      {Array.from({ length: n }, (_, k) => {
        const at = `${((k + 1) / (n + 1)) * 100}%`;
        const style: CSSProperties = n > 1 ? (data.dir === 'LR' ? { top: at } : { left: at }) : {};
        const free = data.multi && k === n - 1;
        return (
          <Handle
            key={k}
            id={inputHandle(k)}
            type="target"
            position={inPos}
            style={style}
            className={free ? 'handle-free' : undefined}
            data-testid={`handle-in-${k}`}
            title={data.multi ? (free ? t('canvas.inputNew', { n: k + 1 }) : t('canvas.inputN', { n: k + 1 })) : t('canvas.input')}
          />
        );
      })}
    </>
  );
}

function CardBody({ data }: { data: LayerData }) {
  const { t } = useT();
  const toggle = commands.toggleModule;
  const { Thumbnail, Badge } = useNodeSlots();
  return (
    <>
      <div className="card-head">
        <span className="card-type" translate={data.label ? 'no' : undefined}>
          {data.label ?? data.title}
        </span>
        {Badge && <Badge nodeId={data.nodeId} />}
        {data.severity && (
          <span className={`card-flag ${data.severity}`} title={data.problem} data-testid="node-problem">
            !
          </span>
        )}
        {data.isModule && (
          <button
            className="card-open nodrag"
            data-testid="node-open-toggle"
            disabled={!data.canOpen}
            title={data.open ? t('canvas.closeModule') : data.canOpen ? t('canvas.openModule') : t('canvas.fixToOpen')}
            onClick={(e) => {
              e.stopPropagation();
              toggle(data.nodeId);
            }}
          >
            {data.open ? `▾ ${t('canvas.close')}` : `▸ ${t('canvas.open')}`}
          </button>
        )}
      </div>
      <div className="card-summary" data-testid="node-summary">
        {data.summary}
      </div>
      <div className="card-shape" data-testid="node-shape">
        {data.shape ?? (data.status === 'ok' ? '' : t(`canvas.status.${data.status}`, { defaultValue: data.status }))}
      </div>
      {Thumbnail && <Thumbnail nodeId={data.nodeId} />}
    </>
  );
}

function cardProps(data: LayerData, extra: string) {
  return {
    className: `card ${extra} status-${data.status} ${data.severity ? `has-${data.severity}` : ''}`,
    'data-testid': 'node-card',
    'data-node-id': data.nodeId,
    'data-type': data.type,
    'data-status': data.status,
    title: data.problem,
  };
}

export const LayerNode = memo(function LayerNode({ data, selected }: NodeProps<LayerNodeT>) {
  const { outPos } = sides(data.dir);
  return (
    <div {...cardProps(data, selected ? 'selected' : '')}>
      <InputHandles data={data} />
      <CardBody data={data} />
      <Handle id={OUTPUT_HANDLE} type="source" position={outPos} data-testid="handle-out" />
    </div>
  );
});

/** An opened Inception or Residual unit: the card grows into a box holding its primitives. */
export const ModuleNode = memo(function ModuleNode({ data, selected }: NodeProps<LayerNodeT>) {
  const { inPos, outPos } = sides(data.dir);
  return (
    <div {...cardProps(data, `module-open ${selected ? 'selected' : ''}`)} style={{ width: data.width, height: data.height }}>
      <InputHandles data={data} />
      <CardBody data={data} />
      <Handle id="inner-src" type="source" position={inPos} className="handle-inner" isConnectable={false} />
      <Handle id="inner-dst" type="target" position={outPos} className="handle-inner" isConnectable={false} />
      <Handle id={OUTPUT_HANDLE} type="source" position={outPos} data-testid="handle-out" />
    </div>
  );
});

/** A primitive inside an opened module: its role, settings and shape. */
export const PrimNode = memo(function PrimNode({ data }: NodeProps<PrimNodeT>) {
  const { t } = useT();
  const { inPos, outPos } = sides(data.dir);
  return (
    <div className="prim" data-testid="prim-card" data-prim-id={data.id} title={`${data.role}\n${data.summary} → ${data.shape}${data.params ? `\n${t('canvas.params', { n: data.params.toLocaleString('en-US') })}` : ''}`}>
      <Handle id={inputHandle(0)} type="target" position={inPos} isConnectable={false} />
      <div className="prim-role">{data.role}</div>
      <div className="prim-line">
        <span>{data.summary}</span>
        <span className="prim-shape">{data.shape}</span>
      </div>
      <Handle id={OUTPUT_HANDLE} type="source" position={outPos} isConnectable={false} />
    </div>
  );
});
