/**
 * The request inspector's own page (inspector.html): it only wires the form.
 * @module
 */

import { createInspector } from "./inspector.js";

createInspector();
