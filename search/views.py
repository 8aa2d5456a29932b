from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.shortcuts import render

from search.selectors import site_search


def search_view(request):
    query = request.GET.get("q", "").strip()[:200]
    results = site_search(query) if query else []
    paginator = Paginator(results, 10)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    return render(request, "search/search.html", {"search_query": query, "results": page})
