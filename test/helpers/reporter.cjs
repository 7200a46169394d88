// mocha's spec reporter plus one plain closing line, "N passed, M failed, K skipped", that CI
// tooling reads whatever the test runner.
'use strict';
const { reporters: { Spec } } = require('mocha');

class SpecWithSummary extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const { passes, failures, pending } = runner.stats;
      console.log(`${passes} passed, ${failures} failed, ${pending} skipped`);
    });
  }
}

module.exports = SpecWithSummary;
