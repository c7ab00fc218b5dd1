-- How complete the fields the Specified Information Order requires are, per area, financial year, duty and field, over published awards (pccspend/duties.py).
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

per_award as (
    -- Whether each award lacks anything a duty requires (for the count of awards lacking).
    select award_id, position, bool_or(state = 'missing') as lacks
    from checked
    group by award_id, position
),

final as (
    select
        owed.area,
        owed.financial_year,
        owed.duty,
        checked.field,
        sum(owed.award_count)::bigint as award_count,
        sum(case when owed.applies = 'yes' then 0 else owed.award_count end)::bigint as amount_not_stated_count,
        sum(case when checked.state = 'stated' then owed.award_count else 0 end)::bigint as stated_count,
        sum(case when checked.state = 'withheld' then owed.award_count else 0 end)::bigint as withheld_count,
        sum(case when checked.state = 'missing' then owed.award_count else 0 end)::bigint as missing_count,
        sum(case when per_award.lacks then owed.award_count else 0 end)::bigint as lacking_count,
        owed.fy_start,
        owed.position,
        checked.field_position
    from owed
    inner join checked on owed.award_id = checked.award_id and owed.position = checked.position
    inner join per_award on owed.award_id = per_award.award_id and owed.position = per_award.position
    group by owed.area, owed.financial_year, owed.fy_start, owed.duty, owed.position, checked.field,
        checked.field_position
)

select * exclude (fy_start, position, field_position) from final
order by area, fy_start, position, field_position
