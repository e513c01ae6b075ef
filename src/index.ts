// Probot convention: the default export is the app function (`probot run ./dist/index.js`).
export { default } from "./app/index.js";
