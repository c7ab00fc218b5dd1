-- The awards the stated totals in scope cover, each once (a line under two totals is one award), and
-- how many of them state no amount: what the reconciliation chart rests on. Scoped as reconciliation.sql.
with totals as (
    select total_id from totals_in_scope($filters)
),

covered as (
    select distinct awards.award_id, awards.amount_gbp
    from stated_total_lines
    inner join totals on stated_total_lines.total_id = totals.total_id
    inner join awards on stated_total_lines.award_id = awards.award_id
    where $filters['include_unpublished'] or awards.is_public
)

select
    count(*) as award_count,
    count(*) filter (where amount_gbp is null) as missing_amount_count
from covered
