-- What the Specified Information Order requires of each published award that the register lacks: one row per award and duty (pccspend/duties.py).
-- The checks (award x duty x required field) come from the macro `duty_checks` (queries/_duty_checks.sql).
with checked as (
    select * from duty_checks($filters, $duties)
),

owed as (
    select distinct on (award_id, position) * exclude (field, field_position, state)
    from checked
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
