from douane_portfolio.objectviews import ObjectDetailView


class LeesView(ObjectDetailView):
    """A page of the register about one object. These pages have always answered a POST
    as a GET (they were function views); kept, so no client sees a change."""

    def post(self, request, *args, **kwargs):
        return self.get(request, *args, **kwargs)
