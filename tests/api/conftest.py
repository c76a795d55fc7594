"""API test helpers: every response a test reads is validated against the OpenAPI document."""

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

from consult.api.openapi import openapi_document


class ValidatingClient:
    """Wraps the test client: ``get`` checks the response against the OpenAPI document."""

    def __init__(self, client):
        self.client = client
        self.spec = OpenAPI.from_dict(openapi_document("http://localhost/api/v1"))
        self.checked = 0

    def get(self, url, **kwargs):
        response = self.client.get(url, **kwargs)
        self.validate(response)
        return response

    def validate(self, response):
        request = WerkzeugOpenAPIRequest(response.request)
        if response.is_streamed:
            response.get_data()
        self.spec.validate_response(request, WerkzeugOpenAPIResponse(response))
        self.checked += 1


@pytest.fixture
def api(client):
    return ValidatingClient(client)
