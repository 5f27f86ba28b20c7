import {financeHomeTransferSteps} from "@social_payout/../tests/tours/social_payout_tour_steps";
import {registry} from "@web/core/registry";

/**
 * A finance user opens a transferred batch, imports the provider's result
 * file (built here from the batch's own lines, Trần Văn Bình unpaid),
 * validates and settles the reconciliation.
 */
async function rpc(model, method, args, kwargs = {}) {
    const response = await fetch(`/web/dataset/call_kw/${model}/${method}`, {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({
            jsonrpc: "2.0",
            method: "call",
            params: {model, method, args, kwargs},
        }),
    });
    const payload = await response.json();
    if (payload.error) {
        throw new Error(JSON.stringify(payload.error));
    }
    return payload.result;
}

async function uploadResultFile() {
    const batchId = parseInt(window.location.pathname.split("/").pop(), 10);
    const lines = await rpc("social.payout.line", "search_read", [
        [["batch_id", "=", batchId]],
        ["reference", "amount", "partner_id"],
    ]);
    const [batch] = await rpc("social.payout.batch", "read", [[batchId], ["period"]]);
    // paid on the 10th of the month the batch pays
    const paidDate = `${batch.period.slice(0, 8)}10`;
    const rows = ["reference,status,amount_paid,paid_date,provider_ref,reason"];
    for (const line of lines) {
        if (line.partner_id[1] === "Trần Văn Bình") {
            rows.push(`${line.reference},failed,0,,,Vắng nhà`);
        } else {
            rows.push(
                `${line.reference},paid,${line.amount},${paidDate},GD${line.id},`
            );
        }
    }
    const file = new File([rows.join("\n")], "ket_qua_chi_tra.csv", {type: "text/csv"});
    const input = document.querySelector(".modal .o_field_binary input[type=file]");
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", {bubbles: true}));
}

// From a transferred batch's form: import the results, validate, settle.
const importValidateSettle = () => [
    {
        content: "Open the import wizard from the transferred batch",
        trigger: ".o_form_view button[name=action_import_results]",
        run: "click",
    },
    {
        content: "Upload the provider's result file",
        trigger: ".modal .o_field_widget[name=file]",
        run: uploadResultFile,
    },
    {
        content: "The file is loaded",
        trigger: ".modal .o_field_binary .o_select_file_button",
    },
    {
        content: "Import",
        trigger: ".modal button[name=action_import]",
        run: "click",
    },
    {
        content: "Validate the reconciliation",
        trigger: ".o_form_view button[name=action_validate]",
        run: "click",
    },
    {
        content: "Confirm",
        trigger: ".modal .modal-footer .btn-primary",
        run: "click",
    },
    {
        content: "Settle",
        trigger: ".o_form_view button[name=action_settle]",
        run: "click",
    },
    {
        content: "The reconciliation is settled",
        trigger:
            ".o_statusbar_status button.o_arrow_button_current[data-value=settled]",
    },
];

registry.category("web_tour.tours").add("social_reconciliation_import_tour", {
    steps: importValidateSettle,
});

// Finance logs in, lands on the batches to transfer, transfers the approved
// batch, then imports the provider's results, validates and settles.
registry.category("web_tour.tours").add("social_reconciliation_finance_home_tour", {
    steps: () => [...financeHomeTransferSteps(), ...importValidateSettle()],
});

// The auditor logs in and lands on the half-year summary, reads a commune's
// figures, then looks at them as a pivot table.
registry.category("web_tour.tours").add("social_reconciliation_auditor_home_tour", {
    steps: () => [
        {
            content: "The auditor lands on the half-year summary",
            trigger: ".o_breadcrumb:contains(Half-year Summary)",
        },
        {
            content: "The commune's half-year figures are listed",
            trigger: ".o_data_row .o_data_cell[name=area_id]:contains(Xã Hòa An)",
        },
        {
            content: "Open the pivot view",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "The pivot shows the communes",
            trigger: ".o_pivot .o_pivot_header_cell_closed:contains(Xã Hòa An)",
        },
    ],
});
