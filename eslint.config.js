// ESLint flat config: typescript-eslint's type-checked rules (no-floating-promises matters in async control loops),
// plus the house rules that enforce themselves in src/: one clock (src/util/clock.ts), one writer of Kubernetes times
// (src/util/time.ts), one source of randomness (src/util/random.ts), one way to run programs (src/util/exec.ts), and
// size warnings (300 lines a file, 80 a function).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// --- The outside world is injected, so tests can drive it. ---------------------------------------------------
// Each list is composed per file below, because a later flat-config block replaces a rule's options, never merges them.

const useClock =
  'take a `Clock` (src/util/clock.ts) in your options, default `systemClock`, so tests can use `FakeClock`';
const timerGlobals = ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'].map((name) => ({
  name,
  message: `Timers go through the clock: ${useClock} (clock.setTimeout / clock.clearTimeout / clock.sleep).`,
}));
const timeProperties = [
  { object: 'Date', property: 'now', message: `Read the time from the clock: ${useClock} (clock.now()).` },
  { object: 'performance', property: 'now', message: `Measure with the clock: ${useClock} (clock.now()).` },
  { object: 'process', property: 'hrtime', message: `Measure with the clock: ${useClock} (clock.now()).` },
  ...timerGlobals.map(({ name, message }) => ({ object: 'globalThis', property: name, message })),
];
const randomProperties = [
  {
    object: 'Math',
    property: 'random',
    message:
      'Take a `Random` (src/util/random.ts) in your options, default `systemRandom`, so tests can fix it.',
  },
];
const useTime =
  'src/util/time.ts writes them (metaTime, microTime, milliTime; dateAt where a library takes a Date)';
const timeSyntax = [
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: `\`new Date()\` reads the wall clock: ${useClock}, then format \`clock.now()\`: ${useTime}.`,
  },
  {
    selector: "CallExpression[callee.name='Date']",
    message: `\`Date()\` reads the wall clock: ${useClock}, then format \`clock.now()\`: ${useTime}.`,
  },
  {
    selector: "NewExpression[callee.property.name='Date'], CallExpression[callee.property.name='Date']",
    message: `\`globalThis.Date\` is \`Date\`: read the time from the clock, then format it: ${useTime}.`,
  },
];
// `new Date(ms)` only in src/util/time.ts: Kubernetes times (metav1.Time, MicroTime) are written in one place.
const dateSyntax = [
  {
    selector: "NewExpression[callee.name='Date'][arguments.length>0]",
    message: `Times are formatted in one place: ${useTime}.`,
  },
];
const childProcessMessage =
  'Run programs through a `ProcessRunner` (src/util/exec.ts: `run`, `check`, `spawn`, `spawnPiped`), injected in options.';
const execSyntax = [
  {
    selector: 'ImportExpression[source.value=/^(node:)?child_process$/]',
    message: childProcessMessage,
  },
];
const execImports = ['node:child_process', 'child_process'].map((name) => ({
  name,
  message: childProcessMessage,
}));
const timerImports = ['node:timers', 'timers', 'node:timers/promises', 'timers/promises'].map((name) => ({
  name,
  importNames: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'scheduler'],
  message: `Timers go through the clock: ${useClock} (clock.setTimeout / clock.sleep).`,
}));

/** The rule set for a file in src/, minus the restrictions the file is the home of. */
function outsideWorld({ clock = false, random = false, exec = false, dates = false } = {}) {
  const properties = [...(clock ? [] : timeProperties), ...(random ? [] : randomProperties)];
  const syntax = [
    ...(clock ? [] : timeSyntax),
    ...(clock || dates ? [] : dateSyntax),
    ...(exec ? [] : execSyntax),
  ];
  const paths = [...(clock ? [] : timerImports), ...(exec ? [] : execImports)];
  const off = (list, rule) => (list.length === 0 ? 'off' : ['error', ...rule]);
  return {
    'no-restricted-globals': clock ? 'off' : ['error', ...timerGlobals],
    'no-restricted-properties': off(properties, properties),
    'no-restricted-syntax': off(syntax, syntax),
    'no-restricted-imports': off(paths, [{ paths }]),
  };
}

// --- Size: files mostly under ~200 lines, functions that fit a screen. ------------------------------------------

const sizeRules = {
  'max-lines': ['warn', { max: 300, skipBlankLines: true, skipComments: true }],
  'max-lines-per-function': ['warn', { max: 80, skipBlankLines: true, skipComments: true }],
};
const sizeOff = { 'max-lines': 'off', 'max-lines-per-function': 'off' };

export default tseslint.config(
  { ignores: ['node_modules/**', '.kovn/**', 'deploy/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test()/describe() return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },

  // The product code. test/, bench/ and scripts/ are left free: tests wait on real processes and sockets (ovsdb-server,
  // OVS, netns) with real timers, benchmarks measure wall time, and the scripts are tooling that spawns node itself.
  { files: ['src/**/*.ts'], rules: outsideWorld() },
  // The homes of the rules above, each exempt only from its own rule.
  { files: ['src/util/clock.ts'], rules: outsideWorld({ clock: true }) },
  { files: ['src/util/time.ts'], rules: outsideWorld({ dates: true }) },
  { files: ['src/util/random.ts'], rules: outsideWorld({ random: true }) },
  { files: ['src/util/exec.ts'], rules: outsideWorld({ exec: true }) },

  // Size warnings for the product code and the tooling; tests are long tables and describe() blocks by nature.
  { files: ['src/**/*.ts', 'scripts/**/*.ts'], rules: sizeRules },
  // The topology page's browser modules (plain ES modules checked by src/ui/web/tsconfig.json, which the project
  // service finds as their nearest tsconfig): TypeScript checks names against the DOM and the vendor globals.
  { files: ['src/ui/web/**/*.js'], rules: { 'no-undef': 'off', ...sizeRules } },
  // Generated from ovn-nb.ovsschema (scripts/gen-nb-types.ts): its length is the schema's, not a design choice.
  { files: ['src/ovsdb/generated/**/*.ts'], rules: sizeOff },
);
