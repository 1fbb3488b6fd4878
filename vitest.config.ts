import { defineConfig } from "vitest/config";
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
    reporters: ["default", "./test/summary-reporter.ts"],
    // Native `import` (Node strips the types): the same module semantics as production, and hot loops
    // call imported functions directly instead of through the module runner's property getters.
    experimental: { viteModuleRunner: false },
  },
});
