# escape=`

FROM mcr.microsoft.com/windows/servercore:ltsc2022

SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue';"]

RUN New-Item -ItemType Directory -Path C:\app | Out-Null; `
    Invoke-WebRequest -Uri https://example.com/tool.zip -OutFile C:\tool.zip

WORKDIR C:\app
COPY app\ C:\app\
ADD https://example.com/config.tar.gz C:\config\
CMD powershell -File C:\app\start.ps1
