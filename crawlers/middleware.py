"""Send the TDMRep reservation with every reader response (the ``tdm-reservation`` and
``tdm-policy`` headers); pages repeat it in meta tags (``{% tdm_meta %}``)."""

from .robots import current_policy, policy_url


class TextAndDataMiningMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            return response
        policy = current_policy(request)
        response["tdm-reservation"] = "1" if policy.reserves_tdm else "0"
        if policy.reserves_tdm:
            response["tdm-policy"] = policy_url(policy, request)
        return response
