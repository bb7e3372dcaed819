from adgang.accounts import rights as r
from adgang.accounts.access import rights_required


@rights_required(r.SYSTEMADMINISTRATOR)
def overview(request):  # replaced by the overview work
    raise NotImplementedError


@rights_required(r.SYSTEMADMINISTRATOR)
def overview_download(request):
    raise NotImplementedError
