-- How complete the fields the Specified Information Order requires are, per area, financial year, duty and field, over published awards (pccspend/duties.py).
-- The checks (award x duty x required field) come from the macro `duty_checks` (queries/_duty_checks.sql).
with checked as (
    select * from duty_checks($filters, $duties)
),

per_award as (
    -- Whether each award lacks anything a duty requires (for the count of awards lacking).
    select award_id, position, bool_or(state = 'missing') as lacks
    from checked
    group by award_id, position
),

final as (
    select
        checked.area,
        checked.financial_year,
        checked.duty,
        checked.field,
        sum(checked.award_count)::bigint as award_count,
        sum(case when checked.applies = 'yes' then 0 else checked.award_count end)::bigint as amount_not_stated_count,
        sum(case when checked.state = 'stated' then checked.award_count else 0 end)::bigint as stated_count,
        sum(case when checked.state = 'withheld' then checked.award_count else 0 end)::bigint as withheld_count,
        sum(case when checked.state = 'missing' then checked.award_count else 0 end)::bigint as missing_count,
        sum(case when per_award.lacks then checked.award_count else 0 end)::bigint as lacking_count,
        checked.fy_start,
        checked.position,
        checked.field_position
    from checked
    inner join per_award on checked.award_id = per_award.award_id and checked.position = per_award.position
    group by checked.area, checked.financial_year, checked.fy_start, checked.duty, checked.position, checked.field,
        checked.field_position
)

select * exclude (fy_start, position, field_position) from final
order by area, fy_start, position, field_position
