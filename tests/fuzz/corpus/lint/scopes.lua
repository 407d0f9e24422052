local _ENV = {}
function a.b:c(...) return ..., self, _ENV.d end
repeat local z until z
goto l ::l::