"""Facets on a column whose code list is an ordered scale (a `rank` column, as support levels
have) list their values in the scale's order, codes off the scale last, instead of by count."""

from datasette import hookimpl


@hookimpl
def extra_template_vars(template, database, table, datasette):
    if template != "table.html" or not table:
        return {}

    async def context():
        db = datasette.get_database(database)
        ranks = {}
        for key in (await db.get_all_foreign_keys()).get(table, {}).get("outgoing", []):
            if "rank" in await db.table_columns(key["other_table"]):
                rows = await db.execute(
                    f'select "{key["other_column"]}" as code, rank from "{key["other_table"]}"')
                ranks[key["column"]] = {row["code"]: row["rank"] for row in rows}

        def scale_sorted(facet_info):
            order = ranks.get(facet_info["name"])
            if order is None:
                return facet_info["results"]
            def position(value):
                rank = order.get(value["value"])
                return (rank is None, rank or 0)
            return sorted(facet_info["results"], key=position)

        return {"scale_sorted": scale_sorted}

    return context
