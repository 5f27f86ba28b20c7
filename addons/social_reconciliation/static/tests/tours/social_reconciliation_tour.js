import { registry } from "@web/core/registry";

/**
 * A finance user opens a transferred batch, imports the provider's result
 * file (built here from the batch's own lines, Trần Văn Bình unpaid),
 * validates and settles the reconciliation.
 */
async function rpc(model, method, args, kwargs = {}) {
    const response = await fetch(`/web/dataset/call_kw/${model}/${method}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
            jsonrpc: "2.0",
            method: "call",
            params: { model, method, args, kwargs },
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
    const rows = ["reference,status,amount_paid,paid_date,provider_ref,reason"];
    for (const line of lines) {
        if (line.partner_id[1] === "Trần Văn Bình") {
            rows.push(`${line.reference},failed,0,,,Vắng nhà`);
        } else {
            rows.push(`${line.reference},paid,${line.amount},2025-01-10,GD${line.id},`);
        }
    }
    const file = new File([rows.join("\n")], "ket_qua_chi_tra.csv", { type: "text/csv" });
    const input = document.querySelector(".modal .o_field_binary input[type=file]");
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

registry.category("web_tour.tours").add("social_reconciliation_import_tour", {
    steps: () => [
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
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=settled]",
        },
    ],
});
