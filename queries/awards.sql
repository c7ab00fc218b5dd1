-- Every award matching the filters, with its source document and locator ($row_limit rows at most; null: all).
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
)

select * exclude (fy_start) from final
order by area, fy_start, award_id
limit $row_limit
