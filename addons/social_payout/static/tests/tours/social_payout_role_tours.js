/** @odoo-module **/
import {registry} from "@web/core/registry";
import {approveSteps, financeHomeTransferSteps} from "./social_payout_tour_steps";

// Each role logs in and lands on its own work (its home action), then does its
// main step there.

registry.category("web_tour.tours").add("social_payout_officer_home_tour", {
    steps: () => [
        {
            content: "The commune officer lands on the batches to prepare",
            trigger: ".o_breadcrumb:contains(Batches to Prepare)",
        },
        {
            content: "Open the draft batch of the month",
            trigger: ".o_data_row .o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "Generate its lines from the registry",
            trigger: ".o_form_view button[name=action_generate_lines]",
            run: "click",
        },
        {
            content: "Submit the month's list for approval",
            trigger: ".o_form_view button[name=action_request_submit]",
            run: "click",
        },
        {
            content: "Read the warnings, if any, and submit anyway",
            trigger: ".o_form_view .o_statusbar_status",
            async run() {
                // the warnings dialog comes only when the list has warnings
                for (let wait = 0; wait < 100; wait++) {
                    const confirm = document.querySelector(
                        ".modal button[name=action_confirm]"
                    );
                    if (confirm) {
                        confirm.click();
                        return;
                    }
                    const current = document.querySelector(
                        ".o_statusbar_status button.o_arrow_button_current"
                    );
                    if (current && current.textContent.includes("Submitted")) {
                        return;
                    }
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
            },
        },
        {
            content: "The batch waits for the approver",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Submitted)",
        },
    ],
});

registry.category("web_tour.tours").add("social_payout_approver_home_tour", {
    steps: () => [
        {
            content: "The approver lands on the batches to approve",
            trigger: ".o_breadcrumb:contains(Batches to Approve)",
        },
        {
            content: "Open the submitted batch",
            trigger: ".o_data_row .o_data_cell[name=name]",
            run: "click",
        },
        ...approveSteps(),
    ],
});

registry.category("web_tour.tours").add("social_payout_finance_home_tour", {
    steps: financeHomeTransferSteps,
});
