export * from "./babybear.ts";
export * from "./extension.ts";
export * from "./ntt.ts";
