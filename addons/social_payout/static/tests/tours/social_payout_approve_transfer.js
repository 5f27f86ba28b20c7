/** @odoo-module **/
import {registry} from "@web/core/registry";
import {approveSteps, transferSteps} from "./social_payout_tour_steps";

registry.category("web_tour.tours").add("social_payout_approve_tour", {
    steps: () => [
        {
            content: "The submitted batch is open",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Submitted)",
        },
        ...approveSteps(),
    ],
});

registry.category("web_tour.tours").add("social_payout_transfer_tour", {
    steps: () => [
        {
            content: "The approved batch is open",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Approved)",
        },
        ...transferSteps(),
    ],
});
