/** The in-thread channel against the shared channel contract. */
import { chan } from '../../src/index.js';
import { channelContract } from '../contract/channel-contract.js';

channelContract('in-thread', (capacity) => chan(capacity));
