// The registered studies. Every former study (Papers A–D) is a suite now (experiments/*.yaml with a
// report builder in src/report/suites/); none is left to register. Importing this module is harmless.
export {};
