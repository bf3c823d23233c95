/**
 * Keras HDF5 weights (`model.save_weights(...h5)` / keras-applications `*_notop.h5`, Keras 2 layout)
 * read and written with h5wasm, and loaded into a tfjs LayersModel by layer name.
 *
 * Layout: the root (or its `model_weights` group, in full-model files) has the attribute `layer_names`
 * (strings); each layer is a group `/<layer>` with the attribute `weight_names` (e.g.
 * `stem_conv/kernel:0`), and each weight is the dataset `/<layer>/<weight_name>`, i.e.
 * `/<layer>/<layer>/<weight>:0`. Keras weight shapes equal tfjs' (kernels HWIO, depthwise HWCM).
 *
 * Source of the ImageNet file: https://storage.googleapis.com/keras-applications/efficientnetb4_notop.h5
 * (not reachable from the project machine; see `../shared/research/pretrained-weights.md`).
 */
import * as tf from '@tensorflow/tfjs';
import h5wasm from 'h5wasm/node';
import { setInputNormalization } from './efficientnet-b4';

/** One stored weight. */
export interface H5Weight {
  /** Keras weight name, e.g. `stem_conv/kernel:0`. */
  name: string;
  shape: number[];
  data: Float32Array;
}

function asStrings(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.map((s) => (typeof s === 'string' ? s : new TextDecoder().decode(s as Uint8Array)));
}

/**
 * Reads every layer's weights from a Keras `.h5` file.
 * @returns layer name → weights in the file's order
 * @throws {Error} when the file has no `layer_names` attribute (not a Keras weights file)
 */
export async function readKerasH5(path: string): Promise<Map<string, H5Weight[]>> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, 'r');
  try {
    let root: InstanceType<typeof h5wasm.Group> = f;
    if (f.keys().includes('model_weights')) root = f.get('model_weights') as InstanceType<typeof h5wasm.Group>;
    const attr = root.attrs['layer_names'];
    if (!attr) throw new Error(`${path}: no "layer_names" attribute; not a Keras HDF5 weights file`);
    const out = new Map<string, H5Weight[]>();
    for (const layer of asStrings(attr.value)) {
      const g = root.get(layer) as InstanceType<typeof h5wasm.Group> | null;
      if (!g) continue;
      const names = asStrings(g.attrs['weight_names']?.value);
      const ws: H5Weight[] = [];
      for (const name of names) {
        const d = g.get(name) as InstanceType<typeof h5wasm.Dataset> | null;
        if (!d) throw new Error(`${path}: weight ${layer}/${name} listed but missing`);
        const v = d.value as ArrayLike<number>;
        ws.push({ name, shape: (d.shape ?? []) as number[], data: Float32Array.from(v) });
      }
      out.set(layer, ws);
    }
    return out;
  } finally {
    f.close();
  }
}

/**
 * Writes weights in Keras' layout (tests, tools).
 * @param layers layer name → weights; weight names should be `<layer>/<weight>:0`
 */
export async function writeKerasH5(path: string, layers: Map<string, H5Weight[]>): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, 'w');
  try {
    f.create_attribute('layer_names', [...layers.keys()]);
    f.create_attribute('backend', 'tensorflow');
    f.create_attribute('keras_version', '2.13.1');
    for (const [layer, ws] of layers) {
      const g = f.create_group(layer);
      g.create_attribute('weight_names', ws.map((w) => w.name));
      for (const w of ws) {
        const parts = w.name.split('/');
        let cur = g;
        for (const p of parts.slice(0, -1)) cur = (cur.keys().includes(p) ? cur.get(p) : cur.create_group(p)) as InstanceType<typeof h5wasm.Group>;
        cur.create_dataset({ name: parts[parts.length - 1]!, data: w.data, shape: w.shape, dtype: '<f4' });
      }
    }
  } finally {
    f.close();
  }
}

/** Short weight name: `block1a_bn/gamma:0` → `gamma`. */
function shortName(n: string): string {
  const last = n.slice(n.lastIndexOf('/') + 1);
  return last.replace(/:\d+$/, '');
}

export interface LoadReport {
  /** Layers whose weights were all set from the file. */
  loaded: string[];
  /** Model layers with weights that the file does not have. */
  missing: string[];
  /** File layers that the model does not have. */
  unused: string[];
}

/**
 * Loads Keras weights into `model` by layer name (Keras' `load_weights(by_name=True)`). Weights are
 * matched within a layer by their short name (`kernel`, `bias`, `gamma`, `beta`, `moving_mean`,
 * `moving_variance`, `depthwise_kernel`). Keras' `Normalization` layer (`mean`, `variance`, `count`)
 * becomes the fixed `normalization` depthwise conv via `setInputNormalization`.
 * @returns which layers were loaded, missing and unused
 * @throws {Error} on a shape mismatch (names the layer and weight) or when `strict` and a model layer
 *   with weights is missing from the file
 */
export async function loadKerasWeightsByName(model: tf.LayersModel, path: string, opts: { strict?: boolean } = {}): Promise<LoadReport> {
  const file = await readKerasH5(path);
  const loaded: string[] = [], missing: string[] = [];
  const seen = new Set<string>();
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const ws = file.get(layer.name);
    if (!ws || ws.length === 0) { missing.push(layer.name); continue; }
    seen.add(layer.name);
    const byShort = new Map(ws.map((w) => [shortName(w.name), w]));
    if (layer.name === 'normalization' && byShort.has('mean') && byShort.has('variance')) {
      setInputNormalization(model, byShort.get('mean')!.data, byShort.get('variance')!.data);
      loaded.push(layer.name);
      continue;
    }
    const values = layer.weights.map((lw) => {
      const w = byShort.get(shortName(lw.originalName));
      if (!w) throw new Error(`${path}: layer ${layer.name} has no weight "${shortName(lw.originalName)}" (file has ${ws.map((x) => x.name).join(', ')})`);
      const shape = lw.shape as number[];
      if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
        throw new Error(`${path}: ${w.name} has shape [${w.shape}], model expects [${shape}]`);
      }
      return tf.tensor(w.data, shape);
    });
    layer.setWeights(values);
    values.forEach((v) => v.dispose());
    loaded.push(layer.name);
  }
  if (opts.strict && missing.length) throw new Error(`${path}: no weights for ${missing.join(', ')}`);
  return { loaded, missing, unused: [...file.keys()].filter((k) => !seen.has(k) && (file.get(k)?.length ?? 0) > 0) };
}
