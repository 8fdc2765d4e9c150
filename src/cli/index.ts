// The CLI as a library (used by tests and the README generator).
export { main } from './main.js';
