// The service entry: `npm start` and the container's command. Do not add logic to this file.
import { main } from "./app/main.js";

await main();
