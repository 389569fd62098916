// The receiver of the Worker and of the Nitro app (README: Receiver), with the apps' token: it
// answers 200 `{"received":true}` to a signed delivery, 401 `{"error":CODE}` to a forged one.
import { VesselWebhooks } from 'vessel-webhooks';
import { TOKEN } from '../app/check.js';

export const webhooks = new VesselWebhooks({ accessToken: TOKEN });
