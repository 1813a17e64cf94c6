/** Which stop signals /proc/self/status says the process inherited as ignored. */

import { assertEquals } from "../support/assert.ts";
import { ignoredStopSignals } from "../../src/cli/inherited_ignores.ts";

const status = (mask: string) =>
  `Name:\tdeno\nSigBlk:\t0000000000000000\nSigIgn:\t${mask}\nSigCgt:\t0\n`;

Deno.test("ignoredStopSignals reads SIGHUP's bit of the SigIgn mask, and nothing else", () => {
  assertEquals([...ignoredStopSignals(status("0000000000001001"))], ["SIGHUP"], "nohup");
  assertEquals([...ignoredStopSignals(status("0000000000001000"))], [], "SIGPIPE only");
  // SIGINT (2) ignored, as a script's background job inherits it: still a stop signal for us.
  assertEquals([...ignoredStopSignals(status("0000000000000002"))], []);
  assertEquals([...ignoredStopSignals(status("000000000000000f"))], ["SIGHUP"]);
  assertEquals([...ignoredStopSignals("Name:\tdeno\n")], [], "no mask line");
});
