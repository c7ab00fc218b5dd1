-- The awards the stated totals in scope cover, each once (a line under two totals is one award), and
-- how many of them state no amount: what the reconciliation chart rests on. Scoped as reconciliation.sql.
with totals as (
    select total_id from totals_in_scope($filters)
),

-- Each line carries its award's amount and publication (pccspend/build.py total_lines).
covered as (
    select distinct lines.award_id, lines.amount_gbp
    from stated_total_lines as lines
    inner join totals on lines.total_id = totals.total_id
    where $filters['include_unpublished'] or lines.is_public
)

select
    count(*) as award_count,
    count(*) filter (where amount_gbp is null) as missing_amount_count
from covered
