import {registry} from "@web/core/registry";
import {inputFiles} from "@web/../tests/utils";

// two new people of Phổ Phong, with their decision and their bank account
const LIST = [
    "citizen_id,name,birth_date,gender,commune_code,program,category,date_start," +
        "decision_ref,decision_date,method,bank_bin,account_number",
    "051148000901,Lò Thị Mai,01/05/1948,female,21445,BTXH,k5a_60,01/07/2024," +
        "901/QĐ-UBND,10/07/2024,bank,970405,3400205000901",
    "051050000902,Lò Văn Sáng,02/03/1950,male,21445,BTXH,k5a_60,01/07/2024," +
        "902/QĐ-UBND,10/07/2024,bank,970405,3400205000902",
].join("\n");

registry.category("web_tour.tours").add("social_beneficiary_import_tour", {
    url: "/odoo/action-social_beneficiary.social_beneficiary_action",
    steps: () => [
        {
            content: "Open the registry menu",
            trigger: ".o_menu_sections button:contains(Registry)",
            run: "click",
        },
        {
            content: "Import a beneficiary list",
            trigger: ".dropdown-item:contains(Import Beneficiary List)",
            run: "click",
        },
        {
            content: "Upload the list kept by the commune",
            trigger: ".modal .o_field_widget[name=file]",
            async run() {
                const file = new File([LIST], "danh_sach_tang_moi.csv", {
                    type: "text/csv",
                });
                await inputFiles(".modal .o_field_widget[name=file] input[type=file]", [
                    file,
                ]);
            },
        },
        {
            content: "The file is uploaded",
            trigger: ".modal .o_field_widget[name=file] .o_clear_file_button",
        },
        {
            content: "Check the file",
            trigger: ".modal button[name=action_preview]",
            run: "click",
        },
        {
            content: "The preview counts two new beneficiaries",
            trigger: ".modal .o_field_widget[name=count_new]:contains(2)",
        },
        {
            content: "and no refused row",
            trigger: ".modal .o_field_widget[name=count_refused]:contains(0)",
        },
        {
            content: "Apply the list",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "Applied: nothing left to apply",
            trigger:
                ".modal:not(:has(button[name=action_apply])) .o_field_widget[name=count_new]:contains(2)",
        },
        {
            content: "Close the import",
            trigger: ".modal .modal-footer button:contains(Close)",
            run: "click",
        },
        {
            content: "Back to the beneficiaries",
            trigger: ".o_menu_sections button:contains(Registry)",
            run: "click",
        },
        {
            trigger: ".dropdown-item:contains(Beneficiaries)",
            run: "click",
        },
        {
            content: "Look for the family Lò",
            trigger: ".o_searchview_input",
            run: "edit Lò && press Enter",
        },
        {
            content: "Both new beneficiaries are found",
            trigger:
                ".o_data_row:contains(Lò Văn Sáng) ~ .o_data_row:contains(Lò Thị Mai), .o_data_row:contains(Lò Thị Mai) ~ .o_data_row:contains(Lò Văn Sáng)",
        },
        {
            content: "Open one",
            trigger: ".o_data_row:contains(Lò Văn Sáng) td.o_data_cell",
            run: "click",
        },
        {
            content: "Registered with the citizen ID of the list",
            trigger:
                ".o_form_view .o_field_widget[name=citizen_id]:contains(051050000902), .o_form_view .o_field_widget[name=citizen_id] input:value(051050000902)",
        },
    ],
});
