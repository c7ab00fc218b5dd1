-- Every award matching the filters, with its source document and locator and the basis of its theme and stream ($row_limit rows at most; null: all).
with filtered as (
    select *
    from filtered_awards($filters)
),

sources as (
    select * from sources
),

final as (
    select
        filtered.award_id,
        filtered.area,
        filtered.funder,
        filtered.financial_year,
        filtered.theme,
        filtered.plan_priority,
        filtered.funding_stream,
        -- Under "as stated only" the theme and stream are the stated ones, whose basis is `stated`.
        if(filtered.theme is null, null, filtered.theme_basis) as theme_basis,
        theme_sources.title as theme_basis_source_title,
        filtered.theme_basis_source_id,
        filtered.theme_basis_locator,
        filtered.theme_rule,
        filtered.theme_rule_reason,
        filtered.theme_rule_decided_by,
        if(filtered.funding_stream is null, null, filtered.funding_stream_basis) as funding_stream_basis,
        stream_sources.title as funding_stream_basis_source_title,
        filtered.funding_stream_basis_source_id,
        filtered.funding_stream_basis_locator,
        filtered.stated_theme,
        filtered.stated_funding_stream,
        filtered.service,
        filtered.description,
        filtered.provider,
        filtered.provider_sector,
        filtered.recipient_org_id,
        filtered.amount_gbp,
        filtered.amount_note,
        filtered.mechanism,
        filtered.status,
        filtered.commitment_id,
        filtered.decision_ref,
        filtered.decision_date,
        filtered.purpose,
        filtered.conditions,
        filtered.crime_reduction_reasons,
        filtered.value_for_money_reasons,
        filtered.contract_value_gbp,
        filtered.contract_copy_url,
        filtered.publication,
        filtered.redacted_fields,
        filtered.publication_reason,
        filtered.is_public,
        filtered.source_id,
        sources.title as source_title,
        sources.file_name as source_file,
        sources.url as source_url,
        filtered.source_locator,
        filtered.notes,
        filtered.fy_start
    from filtered
    left join sources on filtered.source_id = sources.source_id
    left join sources as theme_sources on filtered.theme_basis_source_id = theme_sources.source_id
    left join sources as stream_sources on filtered.funding_stream_basis_source_id = stream_sources.source_id
)

select * exclude (fy_start) from final
order by area, fy_start, award_id
limit $row_limit
