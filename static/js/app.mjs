import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";
import { initActionListRefresh } from "./action-list-refresh.mjs";

initAll();
initActionListRefresh();
