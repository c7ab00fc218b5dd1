-- Spend and spend per resident (Census 2021 population) by area and financial year.
with filtered as (
    select *
    from filtered_awards($filters)
),

population as (
    select * from population
),

by_area_year as (
    select
        area,
        financial_year,
        sum(amount_gbp) as amount_gbp,
        sum(award_count)::bigint as award_count,
        sum(missing_amount_count)::bigint as missing_amount_count
    from filtered
    group by 1, 2
),

final as (
    select
        by_area_year.*,
        population.population,
        round(by_area_year.amount_gbp / population.population, 4)::decimal(18, 4)
            as amount_per_resident_gbp
    from by_area_year
    left join population on by_area_year.area = population.area
)

select * from final
order by area, financial_year
