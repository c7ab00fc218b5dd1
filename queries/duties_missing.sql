-- What the Specified Information Order requires of each published award that the register lacks: one row per award and duty (pccspend/duties.py).
-- The published awards each duty covers, and the state of each field it requires. The duties are
-- the parameter $duties (pccspend/duties.py `sql_duties`), stated there once; this part is the same
-- text in duties_missing.sql and duties_summary.sql (tests/test_duties.py checks it).
with published as (
    select
        award_id, area, financial_year, fy_start, service, provider, amount_gbp, contract_value_gbp,
        mechanism, funding_stream, redacted_fields, source_id, source_locator, award_count,
        purpose, conditions, crime_reduction_reasons, value_for_money_reasons, contract_copy_url
    from filtered_awards($filters)
    where is_public  -- the Order is met by what is published, whatever the filters let in
),

duties as (
    select unnest($duties) as d
),

covered as (
    select
        published.*,
        d.position,
        d.duty,
        d.fields as required,
        d.over_gbp::decimal(18, 2) as over_gbp,
        case when d.judged_on_contract_value then coalesce(contract_value_gbp, amount_gbp) else amount_gbp end
            as judged_gbp,
        string_split(replace(coalesce(redacted_fields, ''), ' ', ''), ';') as withheld  -- column names hold no spaces
    from published
    cross join duties
    where
        (
            (len(d.mechanisms) = 0 and len(d.funding_streams) = 0)
            or list_contains(d.mechanisms, mechanism)
            or list_contains(d.funding_streams, funding_stream)
        )
        and not coalesce(
            list_contains(d.other_than_mechanisms, mechanism)
            or list_contains(d.other_than_funding_streams, funding_stream),
            false
        )
),

owed as (
    -- A duty with a threshold covers an award over it; one with no amount to judge by may.
    select
        *,
        case when over_gbp is null or judged_gbp is not null then 'yes' else 'amount not stated' end as applies
    from covered
    where over_gbp is null or judged_gbp is null or judged_gbp > over_gbp
),

checked as (
    select
        award_id,
        position,
        field,
        list_position(required, field) as field_position,
        case
            when list_contains(withheld, field) then 'withheld'
            when value is null or trim(value) = '' then 'missing'
            else 'stated'
        end as state
    from (
        select award_id, position, required, withheld,
            provider, purpose, conditions, crime_reduction_reasons, value_for_money_reasons, contract_copy_url
        from owed
    )
    unpivot include nulls (
        value for field in (provider, purpose, conditions, crime_reduction_reasons, value_for_money_reasons,
                            contract_copy_url)
    )
    where list_contains(required, field)
),

lacking as (
    select
        award_id,
        position,
        string_agg(field, '; ' order by field_position) filter (where state = 'missing') as missing,
        string_agg(field, '; ' order by field_position) filter (where state = 'withheld') as withheld_fields
    from checked
    group by award_id, position
),

final as (
    select
        owed.award_id,
        owed.area,
        owed.financial_year,
        owed.duty,
        owed.applies,
        lacking.missing,
        lacking.withheld_fields,
        owed.service,
        owed.provider,
        owed.amount_gbp,
        owed.judged_gbp,
        owed.source_id,
        sources.title as source_title,
        owed.source_locator,
        owed.fy_start,
        owed.position
    from owed
    inner join lacking on owed.award_id = lacking.award_id and owed.position = lacking.position
    left join sources on owed.source_id = sources.source_id
    where lacking.missing is not null
)

select * exclude (fy_start, position) from final
order by area, fy_start, award_id, position
