// The app's IPC commands, listed once. `build.rs` includes this file to
// declare each command (so each gets an `allow-…` permission) and to write
// the window's capability granting exactly them; `lib.rs` includes it to
// register them with tauri-specta (the invoke handler and the TypeScript
// bindings). Each group names the module the commands are in.
macro_rules! app_commands {
    ($then:ident) => {
        $then!(
            commands: [
            app_info,
            catalogs,
            field_labels,
            pledge_text,
            validate,
            new_draft,
            open_draft,
            save_draft,
            list_drafts,
            duplicate_draft,
            trash_draft,
            restore_draft,
            purge_draft,
            draft_history,
            restore_version,
            get_profile,
            set_profile,
            prefill_from_application,
            render_pdf,
            export_pdf,
            print_pdf,
            choose_export_path,
            close_ready
            ],
            signing: [
            unit_certificate,
            unit_key_unlocked,
            unlock_unit_key,
            lock_unit_key,
            issue_unit_key,
            import_unit_key,
            export_package,
            verify_file,
            choose_open_path
            ],
            calendar: [
            calendar_years,
            import_calendar
            ],
            review: [
            inbox,
            receive_packages,
            choose_packages,
            open_received,
            set_received_date,
            review_deadline,
            sign_review,
            print_review,
            choose_package_save_path,
            trusted_certificates,
            trust_certificate_file,
            trust_package_signer,
            untrust_certificate,
            import_review_result,
            review_results
            ],
            demand: [
            demand_summary,
            received_estimates,
            export_demand_summary,
            print_demand_summary,
            choose_demand_files
            ],
            backup: [
            write_backup,
            restore_plan,
            restore_backup,
            choose_backup_path,
            choose_backup_file
            ]
        )
    };
}
