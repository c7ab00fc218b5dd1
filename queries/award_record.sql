-- One award's whole record ($award_id): every field, its publication decision, its source document and the documents its theme and stream are stated in.
-- Not a filtered question: a link names one award, whatever the filters; the public's database holds no held-back award.
with awards as (
    select * from awards
    where award_id = $award_id
),

sources as (
    select * from sources
),

final as (
    select
        awards.award_id,
        awards.commitment_id,
        awards.area,
        awards.funder,
        awards.financial_year,
        awards.theme,
        awards.plan_priority,
        awards.funding_stream,
        awards.service,
        awards.description,
        awards.provider,
        awards.provider_sector,
        awards.recipient_org_id,
        awards.amount_gbp,
        awards.amount_note,
        awards.mechanism,
        awards.status,
        awards.decision_ref,
        awards.decision_date,
        awards.source_id,
        awards.source_locator,
        awards.purpose,
        awards.conditions,
        awards.crime_reduction_reasons,
        awards.value_for_money_reasons,
        awards.contract_value_gbp,
        awards.contract_copy_url,
        awards.publication,
        awards.redacted_fields,
        awards.publication_reason,
        awards.publication_decided_by,
        awards.publication_decided_on,
        awards.notes,
        awards.stated_theme,
        awards.theme_basis,
        awards.theme_basis_source_id,
        awards.theme_basis_locator,
        awards.stated_funding_stream,
        awards.funding_stream_basis,
        awards.funding_stream_basis_source_id,
        awards.funding_stream_basis_locator,
        awards.theme_rule,
        awards.theme_rule_reason,
        awards.theme_rule_decided_by,
        sources.title as source_title,
        sources.publisher as source_publisher,
        sources.published_date as source_published_date,
        sources.file_name as source_file,
        sources.url as source_url,
        theme_sources.title as theme_basis_source_title,
        stream_sources.title as funding_stream_basis_source_title
    from awards
    left join sources on awards.source_id = sources.source_id
    left join sources as theme_sources on awards.theme_basis_source_id = theme_sources.source_id
    left join sources as stream_sources on awards.funding_stream_basis_source_id = stream_sources.source_id
)

select * from final
