/** @odoo-module **/
import {registry} from "@web/core/registry";
import {transferSteps} from "./social_payout_tour_steps";

registry.category("web_tour.tours").add("social_payout_approve_tour", {
    steps: () => [
        {
            content: "The submitted batch is open",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Submitted)",
        },
        {
            content: "Approve it",
            trigger: ".o_form_view button[name=action_approve]",
            run: "click",
        },
        {
            content: "The batch is approved",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Approved)",
        },
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
