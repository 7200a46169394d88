/**
 * The `descent` executable's entry point: runs {@link runCli} on the process arguments and sets the exit code.
 * @module
 */
import { runCli } from './cli.js';
import { exitQuietlyOnClosedPipe } from './io.js';

exitQuietlyOnClosedPipe();
process.exitCode = await runCli(process.argv.slice(2));
