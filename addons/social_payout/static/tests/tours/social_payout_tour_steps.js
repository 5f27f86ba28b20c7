/** @odoo-module **/

// Steps that several tours take: approving a submitted batch and transferring
// an approved one from its form, and finance's way to it from their home page.

export function approveSteps() {
    return [
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
    ];
}

export function transferSteps() {
    return [
        {
            content: "Transfer it",
            trigger: ".o_form_view button[name=action_transfer]",
            run: "click",
        },
        {
            content: "Confirm the transfer",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The batch is transferred",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Transferred)",
        },
    ];
}

export function financeHomeTransferSteps() {
    return [
        {
            content: "Finance lands on the batches to transfer",
            trigger: ".o_breadcrumb:contains(Batches to Transfer)",
        },
        {
            content: "Open the approved batch",
            trigger: ".o_data_row .o_data_cell[name=name]",
            run: "click",
        },
        ...transferSteps(),
    ];
}
