-- The published awards each publication duty covers, and the state of each field it requires:
-- one row per award, duty and required field (`duty_checks(f, duty_list)`, f the filter state as
-- in `filtered_awards`, duty_list the duties as pccspend/duties.py `sql_duties` states them, once).
-- Made in the awards' schema beside the filter macro (pccspend/build.py); the questions
-- duties_missing.sql and duties_summary.sql read it.
create or replace macro duty_checks(f, duty_list) as table
with published as (
    select
        award_id, area, financial_year, fy_start, service, provider, amount_gbp, contract_value_gbp,
        mechanism, funding_stream, redacted_fields, source_id, source_locator, award_count,
        purpose, conditions, crime_reduction_reasons, value_for_money_reasons, contract_copy_url
    from filtered_awards(f)
    where is_public  -- the Order is met by what is published, whatever the filters let in
),

duties as (
    select unnest(duty_list) as d
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
)
select
    owed.*,
    checked.field,
    checked.field_position,
    checked.state
from owed
inner join checked on owed.award_id = checked.award_id and owed.position = checked.position
