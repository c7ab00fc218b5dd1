-- Every year of the commitment award $award_id belongs to (awards with its commitment_id), the award itself marked, by year.
-- Not a filtered question: the record shows the whole commitment; unpublished years only where the filters include them.
with chosen as (
    select commitment_id from awards
    where award_id = $award_id
),

years as (
    select
        awards.award_id,
        awards.financial_year,
        awards.fy_start,
        awards.amount_gbp,
        awards.status,
        awards.source_locator,
        awards.award_id = $award_id as is_this_award
    from awards
    inner join chosen on awards.commitment_id = chosen.commitment_id
    where awards.is_public or $filters['include_unpublished'] or awards.award_id = $award_id
)

select * exclude (fy_start) from years
order by fy_start, award_id
