// A delivery, checked by verifyRequest on the request as the Fetch API has it.
import { answer } from '../../worker-app/answer.js';

export default defineEventHandler((event) => answer(toWebRequest(event)));
