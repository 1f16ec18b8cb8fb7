// The optimizer shell shared by adam, adamW, sgd and rmsprop: a pure per-tensor update rule (the
// functional core, in each optimizer's file) plus this thin class that owns the slot variables,
// counts steps, evaluates the learning-rate schedule, and saves/loads state.
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, DisposedError, InvalidArgumentError, ShapeError, describeValue } from '../errors.js';
import { type ParamTree, flattenParams } from '../params.js';
import { type LearningRate, type Schedule, evaluateSchedule, toSchedule } from './schedules.js';

/**
 * Names of the built-in optimizers, as `createOptimizer` takes them.
 *
 * @example
 * OPTIMIZER_NAMES.includes('adamW'); // true
 */
export const OPTIMIZER_NAMES = ['adam', 'adamW', 'sgd', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** JSON-able hyperparameters of an optimizer; `lr` is `'schedule'` when a schedule was given. */
export interface OptimizerConfig {
  readonly name: OptimizerName;
  readonly lr: number | 'schedule';
  readonly [hyper: string]: number | boolean | string;
}

/**
 * Everything an optimizer needs to continue exactly: its config (for the record; `loadState` only
 * checks the name), the number of updates done, and the slot tensors named `'<slot>.<param path>'`
 * (e.g. `'expAvg.dense.weight'`): flat, in `flattenParams` form, so `unflattenParams(slots)` is a
 * tree `{expAvg: {...}, expAvgSq: {...}}` that checkpoint writers take as is.
 */
export interface OptimizerState {
  config: OptimizerConfig;
  step: number;
  slots: Record<string, tf.Tensor>;
}

/** What an update rule gets for one parameter tensor. */
export interface UpdateInput {
  param: tf.Tensor;
  grad: tf.Tensor;
  /** Current slot values, by slot name (e.g. `expAvg`). */
  slots: Readonly<Record<string, tf.Tensor>>;
  /** Learning rate of this update. */
  lr: number;
  /** 0-based index of this update (0 for the first). */
  step: number;
}

/** What an update rule returns: the new parameter and new slot values (new tensors). */
export interface UpdateOutput {
  param: tf.Tensor;
  slots: Record<string, tf.Tensor>;
}

/** A pure per-tensor update rule with its slot names and JSON config. */
export interface UpdateRule {
  readonly config: OptimizerConfig;
  readonly slotNames: readonly string[];
  update(input: UpdateInput): UpdateOutput;
}

/**
 * An optimizer bound to a tree of trainable `tf.Variable`s. Create one with `adam`, `adamW`, `sgd`,
 * `rmsprop` or `createOptimizer`; it never disposes the parameters (they belong to the model), only
 * its own slot variables.
 *
 * @example
 * const opt = adam(params, { lr: 1e-3 });
 * const { grads } = tf.variableGrads(() => loss(params)); // or any tree of grads shaped like params
 * opt.step(gradTree);
 * opt.dispose();
 */
export class Optimizer {
  /** The hyperparameters (frozen, JSON-able). */
  readonly config: OptimizerConfig;
  /** The parameters this optimizer updates. */
  readonly params: ParamTree<tf.Variable>;
  private readonly flat: Record<string, tf.Variable>;
  private readonly rule: UpdateRule;
  private readonly schedule: Schedule;
  private readonly slotVars: Record<string, Record<string, tf.Variable>> = {};
  private count = 0;
  private disposed = false;

  /** Prefer the factories (`adam(params, config)`, ...). */
  constructor(params: ParamTree<tf.Variable>, rule: UpdateRule, lr: LearningRate, fn: string) {
    this.flat = checkParamTree(params, fn);
    this.params = params;
    this.rule = rule;
    this.config = Object.freeze({ ...rule.config });
    this.schedule = toSchedule(lr, fn);
    for (const [path, variable] of Object.entries(this.flat)) {
      const slots: Record<string, tf.Variable> = {};
      for (const slot of rule.slotNames) {
        const zeros = tf.zerosLike(variable);
        slots[slot] = tf.variable(zeros, false); // shares zeros' data, so zeros can go
        zeros.dispose();
      }
      this.slotVars[path] = slots;
    }
  }

  /** Number of updates applied so far (the 0-based index of the next update). */
  get stepCount(): number {
    return this.count;
  }

  /** The learning rate the next `step()` will use. */
  get learningRate(): number {
    this.assertLive('learningRate');
    return evaluateSchedule(this.schedule, this.count, this.config.name);
  }

  /**
   * Applies one update in place (`variable.assign`, inside `tf.tidy`). `grads` is a tree shaped like
   * (a subset of) the params; parameters without a gradient are left alone, as in PyTorch. Does not
   * dispose `grads`.
   */
  step(grads: ParamTree): void {
    this.assertLive('step');
    const gradFlat = flattenGrads(grads, this.config.name);
    for (const [path, grad] of Object.entries(gradFlat)) {
      const param = this.flat[path];
      if (param === undefined) {
        throw new InvalidArgumentError(
          `Argument 'grads' passed to '${this.config.name}.step' has '${path}', which is not one of the optimizer's parameters (${describeValue(Object.keys(this.flat))}).`,
        );
      }
      if (param.shape.join(',') !== grad.shape.join(',')) {
        throw new ShapeError(
          `Argument 'grads.${path}' passed to '${this.config.name}.step' must have shape ${describeValue(param.shape)}, but got ${describeValue(grad.shape)}.`,
        );
      }
    }
    const lr = this.learningRate;
    const step = this.count;
    tf.tidy(() => {
      for (const [path, grad] of Object.entries(gradFlat)) {
        const param = this.flat[path];
        const slotVars = this.slotVars[path];
        const out = this.rule.update({ param, grad, slots: slotVars, lr, step });
        param.assign(out.param);
        for (const slot of this.rule.slotNames) slotVars[slot].assign(out.slots[slot]);
      }
    });
    this.count += 1;
  }

  /**
   * The state needed to continue exactly. The slot tensors are copies that belong to the caller
   * (dispose them after writing the checkpoint).
   */
  state(): OptimizerState {
    this.assertLive('state');
    const slots: Record<string, tf.Tensor> = {};
    for (const [path, slotVars] of Object.entries(this.slotVars)) {
      for (const [slot, variable] of Object.entries(slotVars)) slots[`${slot}.${path}`] = tf.clone(variable);
    }
    return { config: { ...this.config }, step: this.count, slots };
  }

  /**
   * Restores `state()` output (copies the values; does not take or dispose `state`'s tensors).
   * Checks everything before changing anything: an optimizer-name, step, slot-name or slot-shape
   * mismatch throws `CheckpointError` naming it, and leaves this optimizer unchanged.
   */
  loadState(state: OptimizerState): void {
    this.assertLive('loadState');
    const where = `Optimizer state passed to '${this.config.name}.loadState'`;
    if (state == null || typeof state !== 'object' || state.slots == null || typeof state.slots !== 'object') {
      throw new CheckpointError(`${where} must be {config, step, slots}, but got ${describeValue(state)}.`);
    }
    if (state.config?.name !== this.config.name) {
      throw new CheckpointError(`${where} is for optimizer ${describeValue(state.config?.name)}, not '${this.config.name}'.`);
    }
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new CheckpointError(`${where} must have a non-negative integer 'step', but got ${describeValue(state.step)}.`);
    }
    const expected = new Set<string>();
    for (const [path, slotVars] of Object.entries(this.slotVars)) {
      for (const [slot, variable] of Object.entries(slotVars)) {
        const name = `${slot}.${path}`;
        expected.add(name);
        const tensor = state.slots[name];
        if (!(tensor instanceof tf.Tensor)) {
          throw new CheckpointError(`${where} is missing slot '${name}'.`);
        }
        if (tensor.shape.join(',') !== variable.shape.join(',') || tensor.dtype !== variable.dtype) {
          throw new CheckpointError(
            `${where} has slot '${name}' with shape ${describeValue(tensor.shape)} (${tensor.dtype}), but the parameter needs ${describeValue(variable.shape)} (${variable.dtype}).`,
          );
        }
      }
    }
    for (const name of Object.keys(state.slots)) {
      if (!expected.has(name)) throw new CheckpointError(`${where} has unexpected slot '${name}'.`);
    }
    tf.tidy(() => {
      for (const [path, slotVars] of Object.entries(this.slotVars)) {
        for (const [slot, variable] of Object.entries(slotVars)) variable.assign(tf.clone(state.slots[`${slot}.${path}`]));
      }
    });
    this.count = state.step;
  }

  /** Frees the slot variables (not the parameters). Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const slotVars of Object.values(this.slotVars)) tf.dispose(Object.values(slotVars));
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  private assertLive(method: string): void {
    if (this.disposed) throw new DisposedError(`'${this.config.name}.${method}' was called after dispose().`);
  }
}

function checkParamTree(params: ParamTree<tf.Variable>, fn: string): Record<string, tf.Variable> {
  if (params == null || typeof params !== 'object' || params instanceof tf.Tensor) {
    throw new InvalidArgumentError(
      `Argument 'params' passed to '${fn}' must be a tree of tf.Variable, but got ${describeValue(params)}.`,
    );
  }
  const flat = flattenParams(params);
  const paths = Object.keys(flat);
  if (paths.length === 0) {
    throw new InvalidArgumentError(`Argument 'params' passed to '${fn}' must hold at least one tf.Variable, but got {}.`);
  }
  for (const path of paths) {
    const v = flat[path];
    if (!(v instanceof tf.Variable)) {
      throw new InvalidArgumentError(
        `Argument 'params.${path}' passed to '${fn}' must be a tf.Variable (create it with tf.variable), but got ${describeValue(v)}.`,
      );
    }
    if (v.dtype !== 'float32') {
      throw new InvalidArgumentError(`Argument 'params.${path}' passed to '${fn}' must have dtype float32, but got ${v.dtype}.`);
    }
  }
  return flat;
}

function flattenGrads(grads: ParamTree, name: string): Record<string, tf.Tensor> {
  if (grads == null || typeof grads !== 'object' || grads instanceof tf.Tensor) {
    throw new InvalidArgumentError(
      `Argument 'grads' passed to '${name}.step' must be a tree of tensors shaped like the params, but got ${describeValue(grads)}.`,
    );
  }
  return flattenParams(grads);
}
