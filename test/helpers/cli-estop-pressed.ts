/**
 * The real CLI (src/cli/main.ts) with the embedded linac simulator's emergency stop pressed from
 * start-up, as a room whose e-stop is still pressed when the operator acknowledges the latches of
 * the last session. Only the simulator is touched; the bridge is the CLI as shipped.
 *
 *   node --import tsx test/helpers/cli-estop-pressed.ts --config <file> simulate <plan> --acknowledge-latched --operator NAME
 */
import { SimRoom } from '../../simulators/sim-room.js';
import { main } from '../../src/cli/main.js';

const start = SimRoom.prototype.start;
SimRoom.prototype.start = async function startWithEstopPressed(this: SimRoom) {
  const ports = await start.call(this);
  this.beam.room.emergencyStop = true;
  return ports;
};
await main(process.argv);
