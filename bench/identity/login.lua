-- POST /api/auth/login with the benchmark account (wrk -s login.lua). The e-mail and password come from
-- the environment so that run.sh owns them.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"email":"%s","password":"%s"}', os.getenv("BENCH_EMAIL"), os.getenv("BENCH_PASSWORD"))
