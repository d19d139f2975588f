-- wrk script: the fixed benchmark path (server b0000000-0000-4000-8000-000000000001) with token auth.
-- wrk -t1 -c32 -d10s -s emulator/bench/disassociate-token.lua \
--   http://127.0.0.1:8787/v3/0a1b2c3d4e5f60718293a4b5c6d7e8f9/keypairs/disassociate
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json;charset=UTF-8"
wrk.headers["X-Auth-Token"] = "emulator-token"
wrk.headers["X-Project-Id"] = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
wrk.body = '{"server":{"id":"b0000000-0000-4000-8000-000000000001","auth":{"type":"keypair","key":"-----BEGIN RSA PRIVATE KEY-----\\nMIIEow...\\n-----END RSA PRIVATE KEY-----"}}}'

local non_202 = 0
response = function(status, headers, body)
  if status ~= 202 then
    non_202 = non_202 + 1
    if non_202 == 1 then print("unexpected status " .. status .. ": " .. body) end
  end
end
