#!/usr/bin/env node
// Entry point of the `zkvm` command: runs the build emitted by `npm run build` (run by `prepare`).
import "../dist/cli/main.js";
