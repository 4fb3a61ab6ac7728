// A Stryker test runner for Berth's node:test files (`npm run mutate`, docs/testing.md).
//
// Stryker runs its test runner in a long-lived worker process and switches mutants on and off at
// run time. Starting a fresh `node --test` for every mutant costs a second or more of CPU on this
// project's two cores, so this runner loads the (bundled) test files once into the worker and
// calls their tests directly: `node:test` is answered with a small stand-in that records each
// `test(name, fn)` inside its `describe` blocks and passes the real `mock`. Each test runs on its
// own, in file order, as node:test runs them; per-test coverage tells Stryker which tests reach a
// mutant, and only those run for it. Supports what the measured test files use: test (also as
// `it`), describe, mock, `t.after`, and the before, beforeEach and afterEach hooks of a file or a
// describe (`after` hooks are not run: the worker lives for the whole run); anything else fails the
// dry run loudly.
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PluginKind, commonTokens, declareClassPlugin, tokens } from '@stryker-mutator/api/plugin';
import { DryRunStatus, TestStatus, determineHitLimitReached, toMutantRunResult } from '@stryker-mutator/api/test-runner';

const require = createRequire(import.meta.url);
const realNodeTest = require('node:test');

/** Stryker's instrumented code keeps the active mutant, hit counts and coverage here. */
const stryker = () => (globalThis.__stryker__ ??= {});

class NodeTestRunner {
  static inject = tokens(commonTokens.options);

  /** @type {Array<{ id: string; name: string; fileName: string; fn: Function }> | undefined} */
  tests;
  /** Errors raised outside any awaited promise while a test runs (a mutant can cause those). */
  stray = [];
  /** Hooks per scope (a file, or a describe inside it). */
  hooks = new Map();
  /** Scopes whose `before` hooks have run. */
  begun = new Set();

  constructor(options) {
    this.testFiles = options.nodeTest.testFiles;
  }

  capabilities() {
    // Test files are loaded once per process: a static mutant needs a new worker.
    return { reloadEnvironment: false };
  }

  async init() {
    process.on('unhandledRejection', (e) => this.stray.push(e));
    process.on('uncaughtException', (e) => this.stray.push(e));
  }

  load() {
    if (this.tests) return;
    const tests = [];
    const suites = [];
    let fileName = '';
    /** The scopes a test runs in, outermost first: its file, then each describe around it. */
    const scopes = () => suites.reduce((keys, suite) => [...keys, `${keys.at(-1)}\0${suite}`], [fileName]);
    const hooksOf = (scope) => {
      if (!this.hooks.has(scope)) this.hooks.set(scope, { before: [], beforeEach: [], afterEach: [] });
      return this.hooks.get(scope);
    };
    const hook = (kind) => (fn) => hooksOf(scopes().at(-1))[kind].push(fn);
    const test = (name, options, fn) => {
      const body = [name, options, fn].find((x) => typeof x === 'function');
      const full = [...suites, typeof name === 'string' ? name : body.name].join(' > ');
      let id = `${fileName}: ${full}`;
      for (let n = 2; tests.some((t) => t.id === id); n++) id = `${fileName}: ${full} (${n})`;
      tests.push({ id, name: full, fileName, fn: body, scopes: scopes() });
    };
    const describe = (name, fn) => {
      suites.push(name);
      try {
        if (fn()?.then) throw new Error(`describe(${JSON.stringify(name)}) is async: not supported by this runner`);
      } finally {
        suites.pop();
      }
    };
    // `after` hooks (closing a stub server) are left out: the worker lives for the whole run.
    const stand = {
      test,
      it: test,
      describe,
      mock: realNodeTest.mock,
      before: hook('before'),
      beforeEach: hook('beforeEach'),
      afterEach: hook('afterEach'),
      after: () => {},
    };
    const load = Module._load;
    Module._load = function (request, ...rest) {
      return request === 'node:test' ? stand : load.call(this, request, ...rest);
    };
    try {
      for (const file of this.testFiles) {
        fileName = file;
        require(path.resolve(file));
      }
    } finally {
      Module._load = load;
    }
    this.tests = tests;
  }

  async run(tests, { bail, coverage }) {
    const ns = stryker();
    const results = [];
    for (const t of tests) {
      if (coverage) ns.currentTestId = t.id;
      const afters = [];
      const started = performance.now();
      this.stray = [];
      let error;
      const hooks = t.scopes.map((scope) => this.hooks.get(scope)).filter(Boolean);
      try {
        // A scope's `before` hooks run once, before the first of its tests that runs.
        for (const [i, h] of hooks.entries()) {
          const scope = t.scopes[i];
          if (this.begun.has(scope)) continue;
          this.begun.add(scope);
          for (const fn of h.before) await fn();
        }
        for (const h of hooks) for (const fn of h.beforeEach) await fn();
        await t.fn({ name: t.name, after: (fn) => afters.push(fn), mock: realNodeTest.mock });
      } catch (e) {
        error = e;
      }
      // The test's own `t.after` callbacks (last first), then afterEach hooks, innermost first.
      const afterEach = [...hooks].reverse().flatMap((h) => h.afterEach);
      for (const fn of [...afters.reverse(), ...afterEach]) {
        try {
          await fn();
        } catch (e) {
          error ??= e;
        }
      }
      error ??= this.stray[0];
      ns.currentTestId = undefined;
      const common = { id: t.id, name: t.name, timeSpentMs: Math.round(performance.now() - started) };
      if (error === undefined) {
        results.push({ ...common, status: TestStatus.Success });
      } else {
        results.push({ ...common, status: TestStatus.Failed, failureMessage: error instanceof Error ? error.message : String(error) });
        if (bail) break;
      }
    }
    return results;
  }

  async dryRun(options) {
    try {
      this.load();
    } catch (e) {
      return { status: DryRunStatus.Error, errorMessage: `Loading the test files failed: ${e instanceof Error ? e.stack : String(e)}` };
    }
    const ns = stryker();
    ns.activeMutant = undefined;
    const coverage = options.coverageAnalysis === 'perTest';
    const tests = await this.run(this.tests, { bail: false, coverage });
    const mutantCoverage = ns.mutantCoverage ?? { static: {}, perTest: {} };
    return { status: DryRunStatus.Complete, tests, mutantCoverage: options.coverageAnalysis === 'off' ? undefined : mutantCoverage };
  }

  async mutantRun(options) {
    const ns = stryker();
    const id = options.activeMutant.id;
    const limit = (on) => {
      ns.hitLimit = on ? options.hitLimit : undefined;
      ns.hitCount = on && options.hitLimit !== undefined ? 0 : undefined;
    };
    if (!this.tests) {
      // A fresh worker: a static mutant must be active while the files load.
      if (options.mutantActivation === 'static') {
        ns.activeMutant = id;
        limit(true);
      }
      try {
        this.load();
      } catch (e) {
        ns.activeMutant = undefined;
        const hit = determineHitLimitReached(ns.hitCount, ns.hitLimit);
        limit(false);
        return toMutantRunResult(
          hit ?? { status: DryRunStatus.Error, errorMessage: `Loading the test files failed: ${e instanceof Error ? e.message : String(e)}` },
        );
      }
    }
    ns.activeMutant = id;
    if (ns.hitCount === undefined) limit(true);
    const only = options.testFilter ? new Set(options.testFilter) : undefined;
    const tests = only ? this.tests.filter((t) => only.has(t.id)) : this.tests;
    const results = await this.run(tests, { bail: !options.disableBail, coverage: false });
    ns.activeMutant = undefined;
    const hit = determineHitLimitReached(ns.hitCount, ns.hitLimit);
    limit(false);
    return toMutantRunResult(hit ?? { status: DryRunStatus.Complete, tests: results });
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.TestRunner, 'node-test', NodeTestRunner)];

export const strykerValidationSchema = {
  $schema: 'http://json-schema.org/draft-07/schema',
  type: 'object',
  properties: {
    nodeTest: {
      type: 'object',
      description: 'Options of the node-test runner (scripts/stryker-node-test.mjs).',
      properties: { testFiles: { type: 'array', items: { type: 'string' }, description: 'Bundled (CommonJS) test files, run in this order.' } },
      required: ['testFiles'],
      additionalProperties: false,
    },
  },
};
