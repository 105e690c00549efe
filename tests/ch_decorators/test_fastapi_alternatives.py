"""In FastAPI, a dependency or a middleware is often better than a decorator."""

from fastapi.testclient import TestClient

from ch_decorators.fastapi_alternatives import app

client = TestClient(app)
KEY = {"X-API-Key": "k-test-123"}


def test_dependency_rejects_missing_and_unknown_keys() -> None:
    assert client.get("/reports/1").status_code == 422
    response = client.get("/reports/1", headers={"X-API-Key": "wrong"})
    assert (response.status_code, response.json()) == (
        401,
        {"detail": "unknown API key"},
    )


def test_dependency_injects_the_tenant() -> None:
    response = client.get("/reports/9", headers=KEY)
    assert response.json() == {"report_id": 9, "tenant": "acme"}


def test_dependency_parameters_appear_in_openapi() -> None:
    operation = app.openapi()["paths"]["/reports/{report_id}"]["get"]
    places = {(p["name"], p["in"]) for p in operation["parameters"]}
    assert places == {("report_id", "path"), ("x-api-key", "header")}


def test_middleware_times_every_response_including_errors() -> None:
    for path, status in [("/reports/1", 200), ("/missing", 404)]:
        response = client.get(path, headers=KEY)
        assert response.status_code == status
        assert response.headers["Server-Timing"].startswith("app;dur=")
