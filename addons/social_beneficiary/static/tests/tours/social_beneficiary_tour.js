import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("social_beneficiary_officer_tour", {
    url: "/odoo/action-social_beneficiary.social_beneficiary_action",
    steps: () => [
        {
            content: "Register a new beneficiary",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Full name",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Đinh Thị Tuyết",
        },
        {
            content: "Phone, typed the way people say it",
            trigger: ".o_field_widget[name=phone] input",
            run: "edit +84 912 345 670 && click body",
        },
        {
            content: "Citizen ID",
            trigger: ".o_field_widget[name=citizen_id] input",
            run: "edit 051160001234",
        },
        {
            content: "Commune",
            trigger: ".o_field_widget[name=area_id] input",
            run: "edit Phổ Phong",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Phổ Phong)",
            run: "click",
        },
        {
            content: "Open the representatives tab",
            trigger: "a.nav-link:contains(Representatives)",
            run: "click",
        },
        {
            trigger:
                ".o_field_widget[name=representative_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "The guardian, a new contact",
            trigger:
                ".o_field_widget[name=representative_ids] .o_data_row .o_field_widget[name=partner_id] input",
            run: "edit Đinh Văn Hộ",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Create)",
            run: "click",
        },
        {
            trigger:
                ".o_field_widget[name=representative_ids] .o_data_row .o_field_widget[name=document_ref] input",
            run: "edit QĐ 12/2025",
        },
        {
            content: "Open the payment tab",
            trigger: "a.nav-link:contains(Payment)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=bank_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "The bank",
            trigger:
                ".o_field_widget[name=bank_ids] .o_data_row .o_field_widget[name=bank_id] input",
            run: "edit Agribank",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Agribank)",
            run: "click",
        },
        {
            content: "The account number",
            trigger:
                ".o_field_widget[name=bank_ids] .o_data_row .o_field_widget[name=acc_number] input",
            run: "edit 3400205123456",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved with a beneficiary reference",
            trigger: ".o_form_saved .o_field_widget[name=beneficiary_ref]:contains(DT)",
        },
    ],
});
